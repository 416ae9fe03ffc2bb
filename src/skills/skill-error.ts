/**
 * Errors of installed skills: a SKILL.md that cannot be used, or a skill name
 * that is not installed.
 */
import { GatewayError } from '../errors.ts';

/**
 * A skill that cannot be used (bad front matter, a name clash) or is not installed.
 * Code `GATEWAY_ERR_CONFIG` for a broken skill, `GATEWAY_ERR_NOT_FOUND` for a missing one.
 *
 * @example
 * throw new SkillError('GATEWAY_ERR_CONFIG', 'front matter: name is missing', { path: '/home/me/.hermes/skills/x/SKILL.md' });
 */
export class SkillError extends GatewayError {
  constructor(
    code: 'GATEWAY_ERR_CONFIG' | 'GATEWAY_ERR_NOT_FOUND',
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, message, details, options);
    this.name = 'SkillError';
  }
}

/**
 * The coded error of `hermes gateway install|uninstall|start|stop|restart|status`
 * when the gateway cannot run as an OS service: it says what failed and the fix.
 */
import { GatewayError } from '../errors.ts';

/**
 * `GATEWAY_ERR_SERVICE`: unsupported system, systemctl or launchctl missing or failing,
 * the service not installed, or `--system` without root.
 *
 * @example
 * throw new ServiceError('hermes-gateway.service is not installed', 'run "hermes gateway install"');
 */
export class ServiceError extends GatewayError {
  /** What the user should do. */
  readonly fix: string;

  constructor(problem: string, fix: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('GATEWAY_ERR_SERVICE', `${problem}. Fix: ${fix}`, { ...details, fix }, options);
    this.name = 'ServiceError';
    this.fix = fix;
  }
}

/**
 * Picks the service manager of this machine and builds the controller for the
 * home and scope a command asks for.
 */
import { createLaunchdController } from './launchd-service.ts';
import type { ServiceController, ServiceOutput } from './service-controller.ts';
import type { ServiceEnvironment } from './service-environment.ts';
import { resolveServiceTarget, type TargetRequest } from './service-target.ts';
import { createSystemdController } from './systemd-service.ts';

/**
 * The controller of this home's service: systemd on Linux, launchd on macOS.
 *
 * @example
 * const service = await createServiceController(processServiceEnvironment(), { system: false, writes: false, strictConfig: false }, out);
 * await service.restart();
 */
export async function createServiceController(
  senv: ServiceEnvironment,
  request: TargetRequest,
  out: ServiceOutput,
): Promise<ServiceController> {
  const target = await resolveServiceTarget(senv, request);
  return target.kind === 'launchd'
    ? createLaunchdController(senv, target, out)
    : createSystemdController(senv, target, out);
}

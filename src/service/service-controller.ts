/**
 * The operations `hermes gateway install|uninstall|start|stop|restart|status`
 * run on a service, one implementation per service manager.
 */
import type { ServiceStatus } from './service-status.ts';
import type { ServiceTarget } from './service-target.ts';

/** Where an operation reports what it did (stdout) and what looks wrong (stderr). */
export interface ServiceOutput {
  info(line: string): void;
  warn(line: string): void;
}

/** One home's service under one service manager. */
export interface ServiceController {
  /** The service acted on. */
  readonly target: ServiceTarget;
  /** Writes the unit or plist, enables it and starts the gateway (restarts it when running). */
  install(): Promise<void>;
  /** Stops the gateway (it drains), disables the service and removes the file. */
  uninstall(): Promise<void>;
  /** Starts the gateway. */
  start(): Promise<void>;
  /** Stops the gateway with SIGTERM; it drains before it exits. */
  stop(): Promise<void>;
  /** Stops (draining) and starts the gateway again. */
  restart(): Promise<void>;
  /** What the service manager says; `not installed` when there is no file. */
  status(): Promise<ServiceStatus>;
  /** Where the gateway's output goes besides `$HERMES_HOME/logs/gateway.log`. */
  logHint(): string;
}

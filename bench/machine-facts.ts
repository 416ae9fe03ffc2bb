/**
 * The facts of the machine a benchmark ran on, printed in the report header so
 * figures from different machines are not compared blindly.
 */
import { cpus, platform, release, totalmem } from 'node:os';
import SQLite from 'better-sqlite3';

/** Where the benchmark ran. */
export interface MachineFacts {
  node: string;
  /** `linux 6.8.0 x64`. */
  os: string;
  cpuModel: string;
  cores: number;
  totalMemoryBytes: number;
  sqlite: string;
}

/** Collects the machine facts of this process. */
export function collectMachineFacts(): MachineFacts {
  const processors = cpus();
  const db = new SQLite(':memory:');
  try {
    const { version } = db.prepare('select sqlite_version() as version').get() as { version: string };
    return {
      node: process.version,
      os: `${platform()} ${release()} ${process.arch}`,
      cpuModel: processors[0]?.model.trim() ?? 'unknown',
      cores: processors.length,
      totalMemoryBytes: totalmem(),
      sqlite: version,
    };
  } finally {
    db.close();
  }
}

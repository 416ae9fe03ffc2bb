/**
 * The `checkpoints` section of config.yaml: file-system checkpoints of the
 * agent's working directory, restored with `/rollback`.
 */
import { z } from 'zod';

/** `checkpoints:` in config.yaml. */
export const CheckpointsSchema = z.strictObject({
  /** Take checkpoints before the agent changes files (default: true when git is installed). */
  enabled: z.boolean().optional(),
  /** The most checkpoints kept per working directory (default 50); older ones are pruned. */
  max_count: z.number().int().min(1).default(50),
  /** Checkpoints older than this many days are pruned (default 30). */
  max_age_days: z.number().positive().default(30),
  /** A working directory with more files than this is not checkpointed (default 50 000). */
  max_files: z.number().int().min(1).default(50_000),
});

/** The validated `checkpoints` section. */
export type CheckpointsConfig = z.infer<typeof CheckpointsSchema>;

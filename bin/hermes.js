#!/usr/bin/env node
// The `hermes` command. Node 24 runs the TypeScript sources directly (type stripping).
import { runCli } from '../src/cli/main.ts';

process.exit(await runCli(process.argv));

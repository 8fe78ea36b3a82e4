#!/usr/bin/env node
import { main } from './program.ts';
import { processRuntime } from './runtime.ts';

process.exitCode = await main(process.argv.slice(2), processRuntime());

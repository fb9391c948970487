#!/usr/bin/env node
import { Command } from 'commander';

const program = new Command('idem-bench')
  .description('idem benchmarks and demonstrations; every suite compares implementations side by side in one run')
  .showHelpAfterError();

program.parse();

#!/usr/bin/env node
// The installed command: the compiled CLI does the work (src/cli/index.ts).
import { main } from '../dist/cli/index.js';

main(process.argv);

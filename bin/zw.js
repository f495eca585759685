#!/usr/bin/env node
// The `zw` command: a thin launcher for the compiled CLI in dist/.
import '../dist/cli/main.js';

#!/usr/bin/env node
// The sgdscope command. Sources are TypeScript run through tsx's loader, so no build step stands
// between a fresh clone and a working CLI.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');

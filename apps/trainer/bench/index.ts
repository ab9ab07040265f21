/** `npm run bench -w @sgdscope/trainer`: every trainer benchmark, one after another. */
import { runNetworkBench } from './network.js';

await runNetworkBench();

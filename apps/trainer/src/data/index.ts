export * from './cifar10.js';
export * from './csv.js';
export * from './dataset.js';
export * from './idx.js';
export * from './load-dataset.js';
export * from './mnist-embedded.js';
export * from './read-file.js';

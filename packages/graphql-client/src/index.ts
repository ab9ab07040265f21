export {
  CodegenError,
  type CodegenOptions,
  DEFAULT_SCALARS,
  generateClient,
  loadOperations,
  loadSchema,
  type OperationSource,
} from './codegen.js';
export { type CodegenFiles, generateFromFiles } from './files.js';

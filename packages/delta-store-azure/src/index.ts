export { type AzureFileSystemOptions, createAzureFileSystem } from './azure-file-system.js';

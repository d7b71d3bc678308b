export { type AzureClientSettings, createBlobServiceClient } from './azure-client.js';
export { classifyAzureError } from './azure-failure.js';
export { type AzureFileSystemOptions, createAzureFileSystem } from './azure-file-system.js';

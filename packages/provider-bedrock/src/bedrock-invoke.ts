import { InvokeModelCommand, type InvokeModelCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { TransientError } from '@drift-spark/core';
import type { BedrockRuntimeClientLike } from './bedrock-embedder-options.js';
import { toDriftError } from './bedrock-errors.js';

const tokenCountHeader = 'x-amzn-bedrock-input-token-count';

/** What one InvokeModel answered: the parsed JSON body and the billed tokens header, if any. */
export interface BedrockAnswer {
  body: Record<string, unknown>;
  headerTokens: number | undefined;
}

/** Sends one InvokeModel with a JSON body; SDK errors become Drift's typed errors. */
export async function invokeBedrock(
  client: () => Promise<BedrockRuntimeClientLike>,
  modelName: string,
  body: Record<string, unknown>,
  context: { inputs: number; signal: AbortSignal | undefined },
): Promise<BedrockAnswer> {
  const command = new InvokeModelCommand({
    modelId: modelName,
    contentType: 'application/json',
    accept: 'application/json',
    body: new TextEncoder().encode(JSON.stringify(body)),
  });
  // Bedrock reports the billed input tokens in a response header that the SDK does not
  // model; read it on the way through.
  let headerTokens: number | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const value = (result.response as { headers?: Record<string, string> } | undefined)
        ?.headers?.[tokenCountHeader];
      if (value !== undefined && Number.isFinite(Number(value))) headerTokens = Number(value);
      return result;
    },
    { step: 'deserialize', name: 'driftInputTokenCount' },
  );

  let output: InvokeModelCommandOutput;
  try {
    output = await (await client()).send(command, { abortSignal: context.signal });
  } catch (error) {
    throw toDriftError(error, {
      model: modelName,
      inputs: context.inputs,
      aborted: context.signal?.aborted,
    });
  }
  try {
    const parsed = JSON.parse(new TextDecoder().decode(output.body)) as Record<string, unknown>;
    return { body: parsed, headerTokens };
  } catch (error) {
    throw new TransientError(
      `bedrock/${modelName} answered a body that is not JSON; the call will be tried again.`,
      { cause: error },
    );
  }
}

import { create } from '@bufbuild/protobuf';
import {
  type ConfigRequest_Operation,
  ConfigRequestSchema,
  ConfigResponseSchema,
} from './gen/spark/connect/base_pb.js';
import type { SparkConfig } from './spark-connect-client.js';
import type { SparkSession } from './spark-session.js';

type ConfigOperation = ConfigRequest_Operation['opType'];

/** The session's Spark SQL config, through the Config RPC. */
export function createSparkConfig(session: SparkSession): SparkConfig {
  async function configCall(
    operation: ConfigOperation,
    action: string,
    signal?: AbortSignal,
  ): Promise<Record<string, string | undefined>> {
    const response = await session.unary(
      'Config',
      ConfigRequestSchema,
      ConfigResponseSchema,
      (current) =>
        create(ConfigRequestSchema, {
          ...session.base(current),
          operation: { opType: operation },
        }),
      action,
      signal,
    );
    const result: Record<string, string | undefined> = {};
    for (const pair of response.pairs) result[pair.key] = pair.value;
    return result;
  }

  return {
    async get(keys, callOptions = {}) {
      const getOption = { case: 'getOption', value: { keys } } as ConfigOperation;
      const values = await configCall(getOption, 'reading Spark config', callOptions.signal);
      return Object.fromEntries(keys.map((key) => [key, values[key]]));
    },
    async set(pairs, callOptions = {}) {
      const entries = Object.entries(pairs).map(([key, value]) => ({ key, value }));
      const set = { case: 'set', value: { pairs: entries } } as ConfigOperation;
      await configCall(set, 'setting Spark config', callOptions.signal);
    },
    async unset(keys, callOptions = {}) {
      const unset = { case: 'unset', value: { keys } } as ConfigOperation;
      await configCall(unset, 'unsetting Spark config', callOptions.signal);
    },
    getAll(prefix, callOptions = {}) {
      const getAll = {
        case: 'getAll',
        value: prefix === undefined ? {} : { prefix },
      } as ConfigOperation;
      return configCall(getAll, 'reading Spark config', callOptions.signal);
    },
  };
}

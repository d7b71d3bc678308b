import type { Plan } from './gen/spark/connect/base_pb.js';
import type { Relation } from './gen/spark/connect/relations_pb.js';

/** A relation that is the result of a SQL query. */
export const sqlRelation = (query: string): Relation =>
  ({ relType: { case: 'sql', value: { query } } }) as Relation;

/** A plan that returns the rows of a relation. */
export const rootPlan = (relation: Relation): Plan =>
  ({ opType: { case: 'root', value: relation } }) as Plan;

/** A plan that runs a statement eagerly (a SqlCommand). */
export const sqlCommandPlan = (statement: string): Plan =>
  ({
    opType: {
      case: 'command',
      value: {
        // Spark 4.x reads `input`; 3.5 reads the (since deprecated) `sql` field.
        commandType: {
          case: 'sqlCommand',
          value: { sql: statement, input: sqlRelation(statement) },
        },
      },
    },
  }) as Plan;

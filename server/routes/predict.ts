// POST /predict: the original service's contract ({node_features, edge_index} -> {prediction:
// [gap in eV]}) plus all properties, uncertainties and the model; bad shapes get FastAPI's 422.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerConfig } from '../config';
import type { ServingModels } from '../models';
import type { LogStore } from '../storage';
import { randomUUID } from 'node:crypto';
import type { Predictor } from '../../src/model';
import { TARGETS } from '../../src/model';
import { predictBodySchema, type PredictBody } from '../schemas';
import { edgeIndexProblem } from '../graphChecks';
import { describeIssue, firstIssue, rateLimitHook } from '../http';
import { PredictBatcher } from '../predictBatcher';
import { NOT_FLOAT32, featureRangeWarnings, nonFloat32Path } from '../featureChecks';
import type { Metrics } from '../metrics';

function unprocessable(reply: FastifyReply, loc: (string | number)[], msg: string) {
  return reply.code(422).send({ detail: [{ type: 'value_error', loc: ['body', ...loc], msg }] });
}

/** Why the body cannot be predicted, as [location, message], or null. */
function bodyProblem(body: PredictBody): [(string | number)[], string] | null {
  const problem = edgeIndexProblem(body.node_features.length, body.edge_index);
  if (problem) return [[problem.path], problem.message];
  const huge =
    nonFloat32Path('node_features', body.node_features) ??
    (body.edge_attr ? nonFloat32Path('edge_attr', body.edge_attr) : null);
  if (huge) return [[huge], NOT_FLOAT32];
  if (body.edge_attr && body.edge_attr.length !== body.edge_index[0].length) {
    return [
      ['edge_attr'],
      `has ${body.edge_attr.length} rows for ${body.edge_index[0].length} edges`,
    ];
  }
  return null;
}

export function predictRoutes(
  app: FastifyInstance,
  config: ServerConfig,
  models: () => ServingModels | Error | null,
  store: LogStore,
  metrics: Metrics,
): void {
  const batchers = new WeakMap<Predictor, PredictBatcher>();
  const batcherFor = (model: Predictor) => {
    let batcher = batchers.get(model);
    if (!batcher) batchers.set(model, (batcher = new PredictBatcher(model)));
    return batcher;
  };

  app.post(
    '/predict',
    {
      bodyLimit: config.predictBodyLimitBytes,
      schema: { body: predictBodySchema },
      attachValidation: true,
      onRequest: rateLimitHook(config.predictRateLimit),
    },
    async (request, reply) => {
      const issue = firstIssue(request);
      if (issue) {
        const loc = issue.instancePath
          .split('/')
          .filter(Boolean)
          .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
        return unprocessable(reply, loc, describeIssue(issue).message);
      }
      const body = request.body as PredictBody;
      const problem = bodyProblem(body);
      if (problem) return unprocessable(reply, ...problem);

      const loaded = models();
      if (loaded === null) return reply.code(503).send({ detail: 'Model not ready' });
      // The load error names files on this machine: it goes to the log, not to clients.
      if (loaded instanceof Error) return reply.code(503).send({ detail: 'Model not available' });
      const needsBonds = loaded.primary.needsBondTypes;
      const model = body.edge_attr || !needsBonds ? loaded.primary : loaded.bondFree;
      if (!model) {
        return unprocessable(
          reply,
          ['edge_attr'],
          `model ${loaded.primary.name} needs edge_attr (E x 4 one-hot bond types) and no bond-free model is installed`,
        );
      }
      let result;
      try {
        result = await batcherFor(model).predict({
          x: body.node_features,
          edgeIndex: [body.edge_index[0], body.edge_index[1]],
          edgeAttr: body.edge_attr,
        });
      } catch (error) {
        // The model's own input checks (e.g. a bond row that is not one-hot) name the problem.
        return unprocessable(reply, [], (error as Error).message.replace(/^molecule 0: /, ''));
      }
      const gap = result.values.gap;
      if (gap === undefined)
        return reply.code(503).send({ detail: `model ${model.name} does not predict the gap` });
      if (!Number.isFinite(gap)) {
        // Finite float32 inputs far outside QM9 can still overflow inside the network.
        return unprocessable(
          reply,
          ['node_features'],
          'the model gives no finite prediction for these values (far outside anything in QM9)',
        );
      }
      metrics.predictions.inc({ model: model.name, model_version: model.version });
      metrics.predictionGap.observe(gap);
      if (config.logPredictions) {
        // Stored before answering, so an answered prediction is never missing from the log.
        await store.insert([
          {
            idempotency_key: `predict-${randomUUID()}`,
            node_features: body.node_features,
            edge_index: body.edge_index,
            prediction: [gap],
            model_version: `${model.name} ${model.version}`,
            timestamp: new Date().toISOString(),
          },
        ]);
      }
      return {
        prediction: [gap],
        properties: result.values,
        uncertainty: result.std,
        units: Object.fromEntries(
          TARGETS.filter((t) => t.key in result.values).map((t) => [t.key, t.unit]),
        ),
        model: { name: model.name, version: model.version },
        warnings: [...result.warnings, ...featureRangeWarnings(body.node_features)],
      };
    },
  );
}

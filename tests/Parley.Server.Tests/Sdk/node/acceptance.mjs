// Drives `parley serve` with the official openai npm client. Reads a JSON plan on stdin:
//   { "baseURL": "http://127.0.0.1:PORT/v1", "steps": [ { "name", "op": "models"|"create"|"stream", "apiKey",
//     "request": {...chat.completions params...}, "headers": {...}, "maxRetries": n } ] }
// and prints one JSON object: { "<name>": { "ok": true, "value": … } | { "ok": false, "error": { "class", "status",
// "code", "type", "message", "shouldRetry", "retryAfter" } } }. The client's own retries are off unless a step sets
// maxRetries, so each error is the first answer's.
import OpenAI from 'openai';

const input = await new Promise((resolve, reject) => {
  let text = '';
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk) => { text += chunk; });
  process.stdin.on('end', () => resolve(text));
  process.stdin.on('error', reject);
});
const plan = JSON.parse(input);
const results = {};

for (const step of plan.steps) {
  const client = new OpenAI({ baseURL: plan.baseURL, apiKey: step.apiKey ?? 'none', maxRetries: step.maxRetries ?? 0, timeout: 30_000 });
  const options = step.headers ? { headers: step.headers } : undefined;
  try {
    if (step.op === 'models') {
      const models = [];
      for await (const model of client.models.list(options)) models.push(model);
      results[step.name] = { ok: true, value: models };
    } else if (step.op === 'create') {
      const completion = await client.chat.completions.create(step.request, options);
      results[step.name] = { ok: true, value: completion };
    } else if (step.op === 'stream') {
      const stream = await client.chat.completions.create({ ...step.request, stream: true }, options);
      let text = '';
      let usage = null;
      let chunks = 0;
      let finishReason = null;
      for await (const chunk of stream) {
        chunks++;
        if (chunk.usage) usage = chunk.usage;
        for (const choice of chunk.choices ?? []) {
          text += choice.delta?.content ?? '';
          if (choice.finish_reason) finishReason = choice.finish_reason;
        }
      }
      results[step.name] = { ok: true, value: { text, usage, chunks, finish_reason: finishReason } };
    } else {
      throw new Error(`unknown op ${step.op}`);
    }
  } catch (error) {
    results[step.name] = {
      ok: false,
      error: {
        class: error?.constructor?.name ?? typeof error,
        status: error?.status ?? null,
        code: error?.code ?? null,
        type: error?.type ?? null,
        message: String(error?.message ?? error),
        shouldRetry: error?.headers?.get?.('x-should-retry') ?? null,
        retryAfter: error?.headers?.get?.('retry-after') ?? null,
      },
    };
  }
}
process.stdout.write(JSON.stringify(results));

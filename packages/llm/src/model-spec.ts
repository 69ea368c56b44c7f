import { ModelSpecError } from './errors';

/**
 * A model as a user types it: `provider:model`, optionally `@baseURL` for an OpenAI-compatible server,
 * e.g. `openai:gpt-4o-mini`, `openai:llama3.1:8b@http://localhost:11434/v1`, `sim:task`.
 */
export interface ModelSpec {
  provider: string;
  /** Model name as the server knows it; may itself contain colons (Ollama tags like `llama3.1:8b`). */
  model: string;
  /** Normalized base URL (no trailing slash) when the spec names one. */
  baseURL?: string;
}

const PROVIDER_NAME = /^[a-z][a-z0-9_-]*$/;

export function parseModelSpec(spec: string): ModelSpec {
  const s = spec.trim();
  const colon = s.indexOf(':');
  if (colon <= 0) {
    throw new ModelSpecError(
      `model spec ${JSON.stringify(spec)}: expected "provider:model" (e.g. "openai:gpt-4o-mini" or "sim:task")`,
    );
  }
  const provider = s.slice(0, colon);
  if (!PROVIDER_NAME.test(provider)) {
    throw new ModelSpecError(
      `model spec ${JSON.stringify(spec)}: provider ${JSON.stringify(provider)} must be lowercase letters, digits, "-" or "_"`,
    );
  }
  let rest = s.slice(colon + 1);
  let baseURL: string | undefined;
  // Only `@http(s)://` starts a base URL, so model names may contain a plain `@`.
  const at = rest.search(/@https?:\/\//);
  if (at >= 0) {
    baseURL = normalizeBaseURL(rest.slice(at + 1), spec);
    rest = rest.slice(0, at);
  }
  if (rest.length === 0)
    throw new ModelSpecError(`model spec ${JSON.stringify(spec)}: the model name is empty`);
  return baseURL === undefined ? { provider, model: rest } : { provider, model: rest, baseURL };
}

/** The canonical id: what ledgers record and cache keys include, so two servers never share entries. */
export function formatModelSpec(spec: ModelSpec): string {
  return spec.baseURL === undefined
    ? `${spec.provider}:${spec.model}`
    : `${spec.provider}:${spec.model}@${spec.baseURL}`;
}

/** Checks a base URL and drops trailing slashes (`http://h:8000/v1/` and `http://h:8000/v1` are one server). */
export function normalizeBaseURL(url: string, where: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ModelSpecError(`${where}: base URL ${JSON.stringify(url)} is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ModelSpecError(`${where}: base URL ${JSON.stringify(url)} must start with http:// or https://`);
  }
  if (parsed.username || parsed.password) {
    // Credentials in the URL would end up in the model id, hence in ledgers and cache rows.
    throw new ModelSpecError(
      `${where}: base URL must not contain credentials; put the key in the environment`,
    );
  }
  return url.replace(/\/+$/, '');
}

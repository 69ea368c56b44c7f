import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/** repo -> revision -> path -> bytes */
export type HubContent = Record<string, Record<string, Record<string, Uint8Array>>>;

export interface LocalHub {
  url: string;
  /** Every request, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

/**
 * A local HTTP server with the two Hugging Face Hub endpoints the hub client uses for datasets: the tree
 * listing (`/api/datasets/<repo>/tree/<revision>`) and file resolution with range requests
 * (`/datasets/<repo>/resolve/<revision>/<path>`), with the Hub's error headers for missing entries.
 */
export async function startLocalHub(content: HubContent): Promise<LocalHub> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    let reply: Reply;
    try {
      reply = route(content, req);
    } catch (e) {
      reply = {
        status: 500,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ error: (e as Error).message }),
      };
    }
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

function notFound(code: string, message: string): Reply {
  return {
    status: 404,
    headers: { 'content-type': 'application/json', 'x-error-code': code },
    body: JSON.stringify({ error: message }),
  };
}

/** Splits `<owner>/<name>/<rest>` against the known repos (names have exactly one slash). */
function repoAndRest(content: HubContent, tail: string): [string, string] | undefined {
  const parts = tail.split('/');
  const repo = `${parts[0]}/${parts[1]}`;
  return content[repo] ? [repo, parts.slice(2).join('/')] : undefined;
}

function route(content: HubContent, req: IncomingMessage): Reply {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = decodeURIComponent(url.pathname);
  if (path.startsWith('/api/datasets/')) {
    const found = repoAndRest(content, path.slice('/api/datasets/'.length));
    if (!found?.[1].startsWith('tree/')) return notFound('RepoNotFound', 'repository not found');
    const [repo, rest] = found;
    const revision = rest.slice('tree/'.length);
    const files = content[repo]![revision];
    if (!files) return notFound('RevisionNotFound', `revision ${revision} not found`);
    const entries = Object.entries(files).map(([p, bytes]) => ({
      type: 'file',
      path: p,
      size: bytes.length,
      oid: createHash('sha1').update(bytes).digest('hex'),
    }));
    return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(entries) };
  }
  if (path.startsWith('/datasets/')) {
    const found = repoAndRest(content, path.slice('/datasets/'.length));
    if (!found) return notFound('RepoNotFound', 'repository not found');
    const [repo, rest] = found;
    // The revision is URL-encoded by the client (`refs%2Fconvert%2Fparquet`): match it against the known ones.
    const revision = Object.keys(content[repo]!).find((r) => rest.startsWith(`resolve/${r}/`));
    if (!revision) return notFound('RevisionNotFound', 'revision not found');
    const bytes = content[repo]![revision]![rest.slice(`resolve/${revision}/`.length)];
    if (!bytes) return notFound('EntryNotFound', 'entry not found');
    const etag = `"${createHash('sha1').update(bytes).digest('hex')}"`;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (range) {
      const start = Number(range[1]);
      const end = Math.min(range[2] ? Number(range[2]) : bytes.length - 1, bytes.length - 1);
      return {
        status: 206,
        headers: {
          'content-type': 'application/octet-stream',
          'content-range': `bytes ${start}-${end}/${bytes.length}`,
          'accept-ranges': 'bytes',
          etag,
        },
        body: bytes.subarray(start, end + 1),
      };
    }
    return {
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag },
      body: bytes,
    };
  }
  return notFound('NotFound', `no route for ${path}`);
}

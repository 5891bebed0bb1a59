// The part of newman's programmatic API the SCIM reference-collection test uses (newman ships no
// types). Items are postman-collection SDK objects; only what the test reads is declared.
declare module 'newman' {
  import type { EventEmitter } from 'node:events';

  interface VariableList {
    values: { key: string; value: string }[];
  }
  interface RunOptions {
    collection: unknown;
    environment?: VariableList;
    globals?: VariableList;
    folder?: string | string[];
    reporters?: string | string[];
    timeoutRequest?: number;
    timeoutScript?: number;
    ignoreRedirects?: boolean;
  }
  interface SdkItem {
    name: string;
    parent(): SdkItem | undefined;
  }
  interface SdkRequest {
    method: string;
    url: { toString(): string; getHost(): string };
  }
  interface SdkResponse {
    code: number;
    text(): string;
  }
  interface RunSummary {
    run: { stats: { requests: { total: number }; assertions: { total: number; failed: number } } };
  }
  interface ItemEvent {
    item: SdkItem;
  }
  interface NewmanRun extends EventEmitter {
    on(event: 'beforeItem', listener: (err: Error | null, o: ItemEvent) => void): this;
    on(event: 'request', listener: (err: Error | null, o: ItemEvent & { request: SdkRequest; response?: SdkResponse }) => void): this;
    on(event: 'assertion', listener: (err: (Error & { test?: string }) | null, o: ItemEvent & { assertion: string; skipped: boolean }) => void): this;
    on(event: 'script', listener: (err: Error | null, o: ItemEvent & { event: { listen: string } }) => void): this;
    on(event: 'done', listener: (err: Error | null, summary: RunSummary) => void): this;
  }
  export function run(options: RunOptions, callback?: (err: Error | null, summary: RunSummary) => void): NewmanRun;
  const newman: { run: typeof run };
  export default newman;
}

// Every way the agent can fail, with the exit code it ends with (docs/attestation.md "Agent"):
// scripts and systemd units tell a TPM problem from a refusal or a device waiting for approval.

export const EXIT = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  tpm: 3,
  network: 4,
  refused: 5,
  awaitingApproval: 6,
} as const;

export type AgentErrorKind = Exclude<keyof typeof EXIT, 'ok'>;

/** An ACME problem document (RFC 8555 §6.7) as the server sent it. */
export interface ProblemDetail {
  type?: string;
  title?: string;
  detail?: string;
  status?: number;
  subproblems?: Array<{ type?: string; detail?: string; identifier?: { type?: string; value?: string } }>;
}

export class AgentError extends Error {
  readonly exitCode: number;

  constructor(
    readonly kind: AgentErrorKind,
    message: string,
    readonly details: { problem?: ProblemDetail; status?: number; hint?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AgentError';
    this.exitCode = EXIT[kind];
  }
}

/** The short ACME error name of a problem type (urn:ietf:params:acme:error:badCSR → badCSR). */
export function problemName(type: string | undefined): string {
  if (!type) return 'error';
  return type.replace(/^urn:ietf:params:acme:error:/, '');
}

/** One line that says what the server refused and why, subproblems included. */
export function describeProblem(problem: ProblemDetail): string {
  const parts = [`${problemName(problem.type)}: ${problem.detail ?? problem.title ?? 'no detail given'}`];
  for (const sub of problem.subproblems ?? []) {
    parts.push(`${problemName(sub.type)}${sub.identifier?.value ? ` (${sub.identifier.value})` : ''}: ${sub.detail ?? ''}`);
  }
  return parts.join('; ');
}

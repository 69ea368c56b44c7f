import type { ChatMessage } from '@llm-autodiff/llm';

/**
 * A textual gradient: feedback for one (output -> predecessor) edge for one sample. Plain data, so it
 * can be logged, exported and compared between runs.
 */
export interface Gradient {
  /** Deterministic: `<fromResponseId>-><toParamId>` (a pass-through copy appends `=><toParamId>`). */
  id: string;
  sampleId: string;
  /** Component that produced the response the feedback is about (same id across repeated calls). */
  fromComponentId: string;
  fromComponentName: string;
  /** Output node the feedback is about (differs between repeated calls of one component). */
  fromResponseId: string;
  toParamId: string;
  /** nth call of `fromComponentId` for this sample, from 0 (time-sequential gradients). */
  callIndex: number;
  /** Position of the producing call among all component calls of the sample (forward time). */
  forwardOrder: number;
  /** Insertion order on the target (set by `Parameter.addGradient`). */
  order: number;
  /** End-to-end score of the sample, when known. */
  score: number | undefined;
  feedback: string;
  /** True for pass-through copies made by functional nodes with at most one trainable predecessor. */
  isCopy: boolean;
  /** True for the fixed "no noticeable error" gradient of selective gradients (no engine call). */
  isSkipped: boolean;
  /** True when the backward engine failed (error or empty text) and `feedback` says so. */
  isFailure: boolean;
  context: {
    /** The producing call's inputs and output (and ground truth when known), as shown to the optimizer. */
    inputOutput: string;
    variableRole: string;
    responseRole: string;
  };
  /**
   * The backward-engine request that produced `feedback` (for debugging; `requestText` shows it as one
   * text); absent for copies and skips. The messages as sent, not a joined copy: the system message is
   * the template's one string, shared by every gradient (a 100,000-node backward kept 2.4 KB per gradient).
   */
  request?: readonly ChatMessage[];
}

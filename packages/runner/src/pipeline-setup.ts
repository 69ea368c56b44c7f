/** Wiring shared by `train` and `repro`: the teacher copy of a pipeline and the cut splits. */
import type { ChatModel } from '@llm-autodiff/llm';
import type { TaskProgram } from '@llm-autodiff/tasks';

/** The same pipeline run on the teacher model (its calls recorded with role 'teacher'). */
export function withTeacher<E>(program: TaskProgram<E>, teacherModel: ChatModel): TaskProgram<E> {
  return {
    ...program,
    forwardLoss: (ex: E) => program.forwardLoss(ex, { model: teacherModel, role: 'teacher' }),
    predict: (ex: E) => program.predict(ex, { model: teacherModel, role: 'teacher' }),
  };
}

export interface SplitSizes {
  train?: number;
  val?: number;
  test?: number;
}

/** The first N examples of each split (all when N is not given). */
export function cutSplits<E>(
  splits: { train: E[]; val: E[]; test: E[] },
  sizes: SplitSizes,
): { train: E[]; val: E[]; test: E[] } {
  const cut = (xs: E[], n?: number): E[] => (n === undefined ? xs : xs.slice(0, n));
  return {
    train: cut(splits.train, sizes.train),
    val: cut(splits.val, sizes.val),
    test: cut(splits.test, sizes.test),
  };
}

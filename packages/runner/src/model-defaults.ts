/** Model specs per role. The simulated models by default; a real task model never pairs with simulated helpers. */
export interface RoleModels {
  task: string;
  backward: string;
  optimizer: string;
  teacher: string;
}

/** Roles not given default to the sim, or to the task model when that is a real one. */
export function defaultRoleModels(given: Partial<RoleModels>): RoleModels {
  const task = given.task;
  const simulated = task === undefined || task.startsWith('sim:');
  const fallback = (sim: string) => (simulated ? sim : task);
  return {
    task: task ?? 'sim:task',
    backward: given.backward ?? fallback('sim:large'),
    optimizer: given.optimizer ?? fallback('sim:large'),
    teacher: given.teacher ?? fallback('sim:teacher'),
  };
}

/** True when a spec names the simulated world (in process). */
export function isSimSpec(spec: string): boolean {
  return spec.startsWith('sim:');
}

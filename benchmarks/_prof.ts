import { runEvalThroughput } from './eval-throughput.bench';
import { FigureSet } from './lib/figures';

await runEvalThroughput(new FigureSet(), { smoke: false });

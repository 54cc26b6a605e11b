/** The report's entry point: the run's files are embedded in the page; draw them at the run's end. */
import { parseRun, type RunFiles } from '../views/run-model.ts';
import { createApp, embeddedData } from './app.ts';

const { files } = embeddedData<{ files?: RunFiles }>();
const model = parseRun(files ?? {});
createApp(model, false).render();

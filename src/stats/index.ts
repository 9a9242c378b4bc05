/** Statistical machinery of the training claims (C11, C12) and the sweep: see docs/statistics.md. */
export * from './tests.js';
export * from './budget.js';
export * from './sequential.js';
export { errorBarPlot, type ErrorBarPlotOptions, type ErrorBarPoint, type ErrorBarSeries } from './plot.js';

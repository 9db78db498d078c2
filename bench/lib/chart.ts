import * as vega from 'vega';
import * as vl from 'vega-lite';
import type { TopLevelSpec } from 'vega-lite';

/** Renders a Vega-Lite spec to SVG in Node (renderer 'none', no canvas, no browser). */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

const FONT = {
  font: 'Helvetica, Arial, sans-serif',
  labelFont: 'Helvetica, Arial, sans-serif',
  titleFont: 'Helvetica, Arial, sans-serif',
};
export const chartConfig = {
  font: FONT.font,
  axis: { labelFont: FONT.labelFont, titleFont: FONT.titleFont },
  legend: { labelFont: FONT.labelFont, titleFont: FONT.titleFont },
};

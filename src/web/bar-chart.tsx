/**
 * A bar chart drawn by the server as inline SVG: no script, no external asset, and it scales to
 * a 320px screen through its viewBox. The drawing is for the eye; the same numbers follow it in a
 * table (the text alternative), and the SVG names itself by its title for screen readers.
 * Shared by the coordinators' overview and the public transparency page; `format` writes a value
 * (cents as euros, say) in the table, `shortFormat` above the bars.
 */
export type Bar = { label: string; value: number };

const WIDTH = 600;
const BAR_AREA = 160;
const TOP = 20;
const BOTTOM = 40;

export function BarChart(props: { id: string; title: string; bars: Bar[]; valueHeading: string; labelHeading: string; format?: (value: number) => string; shortFormat?: (value: number) => string }) {
  const { bars } = props;
  const format = props.format ?? String;
  // Above a bar there is room for a few characters; the table below gives the exact figure.
  const short = props.shortFormat ?? format;
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const step = WIDTH / Math.max(1, bars.length);
  const barWidth = Math.max(4, step * 0.7);
  const height = TOP + BAR_AREA + BOTTOM;
  return (
    <figure class="chart" data-chart={props.id}>
      <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-labelledby={`${props.id}-title`} focusable="false">
        <title id={`${props.id}-title`}>{props.title}</title>
        <line x1="0" y1={TOP + BAR_AREA} x2={WIDTH} y2={TOP + BAR_AREA} stroke="currentColor" stroke-width="1" />
        {bars.map((bar, index) => {
          const barHeight = Math.round((bar.value / max) * BAR_AREA);
          const x = index * step + (step - barWidth) / 2;
          return (
            <g>
              <rect x={x.toFixed(1)} y={TOP + BAR_AREA - barHeight} width={barWidth.toFixed(1)} height={barHeight} fill="currentColor" opacity="0.75" />
              <text x={(x + barWidth / 2).toFixed(1)} y={TOP + BAR_AREA - barHeight - 4} text-anchor="middle" font-size="14" fill="currentColor">
                {short(bar.value)}
              </text>
              <text x={(x + barWidth / 2).toFixed(1)} y={TOP + BAR_AREA + 18} text-anchor="middle" font-size={bars.length > 8 ? 11 : 14} fill="currentColor">
                {bar.label}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>{props.title}</figcaption>
      <table data-chart-table={props.id}>
        <thead>
          <tr>
            <th scope="col">{props.labelHeading}</th>
            <th scope="col">{props.valueHeading}</th>
          </tr>
        </thead>
        <tbody>
          {bars.map((bar) => (
            <tr>
              <th scope="row">{bar.label}</th>
              <td>{format(bar.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

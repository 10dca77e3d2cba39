import type { Panel, RowPanel } from '@grafana/schema';

/** Grafana's dashboard grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

/** A panel without id and position, with the size it wants on the grid. */
export interface SizedPanel {
  panel: Panel;
  w: number;
  h: number;
}

export interface Section {
  title: string;
  /** Collapsed rows keep their panels inside the row until opened. */
  collapsed?: boolean;
  panels: SizedPanel[];
}

/**
 * Lays sections out top to bottom, each under its row header, its panels left to right and
 * wrapping at 24 columns, and numbers every panel. Positions are computed, never written by
 * hand, so panels cannot overlap or leave the grid.
 */
export function layOut(sections: readonly Section[]): Array<Panel | RowPanel> {
  const panels: Array<Panel | RowPanel> = [];
  let nextId = 1;
  let y = 0;
  for (const section of sections) {
    const row: RowPanel = { type: 'row', id: nextId++, title: section.title, collapsed: section.collapsed ?? false, gridPos: { x: 0, y, w: GRID_COLUMNS, h: 1 }, panels: [] };
    panels.push(row);
    let lineY = y + 1;
    let x = 0;
    let lineHeight = 0;
    const placed: Panel[] = [];
    for (const { panel, w, h } of section.panels) {
      if (w < 1 || w > GRID_COLUMNS) throw new Error(`panel "${panel.title}" is ${w} columns wide; the grid has ${GRID_COLUMNS}`);
      if (x + w > GRID_COLUMNS) {
        lineY += lineHeight;
        x = 0;
        lineHeight = 0;
      }
      // id and position first: the order people read a panel's JSON in.
      const { type, title, ...rest } = panel;
      placed.push({ id: nextId++, type, title, gridPos: { x, y: lineY, w, h }, ...rest });
      x += w;
      lineHeight = Math.max(lineHeight, h);
    }
    if (row.collapsed) {
      // Grafana keeps a collapsed row's panels where they will be once it opens, and lays the
      // next row right under the collapsed header.
      row.panels = placed;
      y += 1;
    } else {
      panels.push(...placed);
      y = lineY + lineHeight;
    }
  }
  return panels;
}

// Plan renderers chosen by name: text for terminals, markdown for pull requests, json for machines. Pure.
import type { Plan } from '../model/index.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export type PlanFormat = 'text' | 'markdown' | 'json';

export const PLAN_FORMATS: readonly PlanFormat[] = ['text', 'markdown', 'json'];

export interface RenderOptions {
  /** ANSI colour in text output; the caller decides (TTY, NO_COLOR). Off by default. */
  color?: boolean;
  /** Markdown only: the most characters the comment may have (default `DEFAULT_MARKDOWN_MAX_LENGTH`). */
  maxLength?: number;
  /** Markdown only: where the full plan is when the comment is cut, e.g. "the plan-json artifact". Bare URLs stay links. */
  fullPlanNote?: string;
  /** Markdown only: trusted Markdown put first, counted in `maxLength`. */
  header?: string;
  /** Markdown only: base URL that `file:line` references link under. */
  sourceUrl?: string;
}

/** Renders a plan; the same plan and options always give the same string. */
export function renderPlan(plan: Plan, format: PlanFormat, options: RenderOptions = {}): string {
  switch (format) {
    case 'text':
      return renderText(plan, options.color ?? false);
    case 'markdown':
      return renderMarkdown(plan, { maxLength: options.maxLength, fullPlanNote: options.fullPlanNote, header: options.header, sourceUrl: options.sourceUrl });
    case 'json':
      return renderJson(plan);
  }
}

export { summaryLine, readFooter } from './summary.js';
export { renderText } from './text.js';
export { renderJson } from './json.js';
export { renderMarkdown, PLAN_MARKER, GITHUB_COMMENT_LIMIT, DEFAULT_MARKDOWN_MAX_LENGTH } from './markdown.js';
export type { MarkdownOptions } from './markdown.js';
export { md as escapeMarkdown } from './escape.js';

// A semantic rule checks the merged pipeline for something ci.json cannot express.
export interface Finding {
  readonly code: string;
  readonly message: string;
  readonly job?: string;
  readonly fix?: string;
  readonly severity?: 'error' | 'warning';
}

export type Rule = (config: Record<string, unknown>) => Finding[];

// GitLab's SAST report format, version 15.2.1, as a JSON schema for ajv. The schema file itself
// (security-report-schemas, dist/sast-report-format.json; GitLab vendors it under
// lib/gitlab/ci/parsers/security/validators/schemas/15.2.1/) cannot be downloaded here, so this is
// a transcription of what it requires of the parts a SAST report has: every `required` list,
// enum, pattern, length and item count of `scan`, `vulnerabilities[]` (identifiers, location,
// links) and `remediations`. The `details` and `tracking` trees, which this catalog never writes,
// are not transcribed: a report that has them is refused, so nothing passes here unchecked.
const nonEmpty = { type: 'string', minLength: 1 } as const;
const timestamp = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}$' } as const;
const url = { type: 'string', pattern: '^(https?|ftp)://.+' } as const;
const vendor = { type: 'object', required: ['name'], properties: { name: nonEmpty } } as const;
const tool = {
  type: 'object',
  required: ['id', 'name', 'version', 'vendor'],
  properties: { id: nonEmpty, name: nonEmpty, version: nonEmpty, vendor, url: { type: 'string' } },
} as const;
const identifier = {
  type: 'object',
  required: ['type', 'name', 'value'],
  properties: { type: nonEmpty, name: nonEmpty, value: nonEmpty, url },
} as const;

export const SAST_REPORT_VERSION = '15.2.1';

export const sastReportSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: `GitLab SAST report ${SAST_REPORT_VERSION} (required fields)`,
  type: 'object',
  required: ['scan', 'version', 'vulnerabilities'],
  properties: {
    version: { type: 'string', pattern: '^[0-9]+\\.[0-9]+\\.[0-9]+$' },
    schema: { type: 'string', pattern: '^https?://.+' },
    scan: {
      type: 'object',
      required: ['analyzer', 'end_time', 'scanner', 'start_time', 'status', 'type'],
      properties: {
        analyzer: { ...tool, properties: { ...tool.properties, url: { type: 'string', pattern: '^https?://.+' } } },
        scanner: tool,
        start_time: timestamp,
        end_time: timestamp,
        status: { type: 'string', enum: ['success', 'failure'] },
        type: { type: 'string', enum: ['sast'] },
        messages: {
          type: 'array',
          items: {
            type: 'object',
            required: ['level', 'value'],
            properties: { level: { enum: ['info', 'warn', 'fatal'] }, value: nonEmpty },
          },
        },
        options: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name', 'value'],
            properties: { name: { type: 'string', minLength: 1, maxLength: 255 } },
          },
        },
        primary_identifiers: { type: 'array', items: identifier },
      },
    },
    vulnerabilities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'identifiers', 'location'],
        not: { anyOf: [{ required: ['details'] }, { required: ['tracking'] }] },
        properties: {
          id: nonEmpty,
          name: { type: 'string', maxLength: 255 },
          description: { type: 'string', maxLength: 1048576 },
          severity: { type: 'string', enum: ['Info', 'Unknown', 'Low', 'Medium', 'High', 'Critical'] },
          solution: { type: 'string', maxLength: 7000 },
          identifiers: { type: 'array', minItems: 1, items: identifier },
          links: {
            type: 'array',
            items: { type: 'object', required: ['url'], properties: { name: { type: 'string' }, url } },
          },
          flags: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'origin', 'description'],
              properties: {
                type: { enum: ['flagged-as-likely-false-positive'] },
                origin: nonEmpty,
                description: nonEmpty,
              },
            },
          },
          location: {
            type: 'object',
            properties: {
              file: { type: 'string' },
              start_line: { type: 'number' },
              end_line: { type: 'number' },
              class: { type: 'string' },
              method: { type: 'string' },
            },
          },
          raw_source_code_extract: { type: 'string' },
        },
      },
    },
    remediations: {
      type: 'array',
      items: {
        type: 'object',
        required: ['fixes', 'summary', 'diff'],
        properties: {
          fixes: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: nonEmpty } } },
          summary: nonEmpty,
          diff: nonEmpty,
        },
      },
    },
  },
} as const;

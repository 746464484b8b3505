import { describe, expect, it } from 'vitest';
import { awsManagedPolicyNames } from './cloudformation-roles.js';

describe('awsManagedPolicyNames', () => {
  it('reads AWS managed policy ARNs, plain or in Fn::Sub with the partition, and nothing else', () => {
    expect(
      awsManagedPolicyNames([
        { 'Fn::Sub': 'arn:${AWS::Partition}:iam::aws:policy/AWSCloudFormationReadOnlyAccess' },
        'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
        'arn:aws:iam::123456789012:policy/own-policy',
        { Ref: 'SomePolicy' },
      ]),
    ).toEqual(['AWSCloudFormationReadOnlyAccess', 'AWSLambdaBasicExecutionRole']);
  });

  it('follows no condition: a list chosen by Fn::If gives none', () => {
    expect(awsManagedPolicyNames({ 'Fn::If': ['C', ['arn:aws:iam::aws:policy/AdministratorAccess'], []] })).toEqual([]);
    expect(awsManagedPolicyNames(undefined)).toEqual([]);
  });
});

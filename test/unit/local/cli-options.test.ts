import { describe, expect, it } from 'vitest';
import { meshOptionsFrom } from '../../../local/cli-options.ts';

describe('npm start options', () => {
  it('defaults to an in-memory mesh with quiet handlers', () => {
    // Act
    const options = meshOptionsFrom([], {});

    // Assess
    expect(options).toEqual({ handlerLogLevel: 'WARN' });
  });

  it('reads flags before the environment', () => {
    // Prepare
    const env = { MESH_REGIONS: 'x,y', MESH_PORT: '5000', MESH_DATA_DIR: '/env', MESH_NAME: 'envmesh' };

    // Act
    const options = meshOptionsFrom(['--regions', 'a, b,c', '--port', '0', '--data-dir', '.mesh-data', '--mesh', 'demo', '--verbose'], env);

    // Assess
    expect(options).toEqual({ regions: ['a', 'b', 'c'], basePort: 0, dataDir: '.mesh-data', meshName: 'demo', handlerLogLevel: 'INFO' });
    expect(meshOptionsFrom([], env)).toMatchObject({ regions: ['x', 'y'], basePort: 5000, dataDir: '/env', meshName: 'envmesh' });
  });

  it('reads the retired regions, from the flag or MESH_RETIRED_REGIONS', () => {
    expect(meshOptionsFrom(['--retired-regions', 'sa-east-1, ca-central-1'], { MESH_RETIRED_REGIONS: 'x' }).retiredRegions).toEqual(['sa-east-1', 'ca-central-1']);
    expect(meshOptionsFrom([], { MESH_RETIRED_REGIONS: 'us-east-1' }).retiredRegions).toEqual(['us-east-1']);
    expect(meshOptionsFrom([], { MESH_RETIRED_REGIONS: '' }).retiredRegions).toBeUndefined();
  });

  it('keeps data in memory when asked, whatever the environment says', () => {
    // Act
    const options = meshOptionsFrom(['--in-memory'], { MESH_DATA_DIR: '/env' });

    // Assess
    expect(options.dataDir).toBeUndefined();
  });

  it('refuses a bad port and an unknown flag', () => {
    // Act + Assess
    expect(() => meshOptionsFrom(['--port', 'http'], {})).toThrow(/--port must be a port number/);
    expect(() => meshOptionsFrom(['--port', '70000'], {})).toThrow(/port number/);
    expect(() => meshOptionsFrom(['--nope'], {})).toThrow();
  });

  it('gives each region its own DynamoDB Local on --dynamodb-per-region or MESH_DYNAMODB_PER_REGION=1, never with --dynamodb', () => {
    // Act + Assess
    expect(meshOptionsFrom(['--dynamodb-per-region'], {}).dynamodbPerRegion).toBe(true);
    expect(meshOptionsFrom([], { MESH_DYNAMODB_PER_REGION: '1' }).dynamodbPerRegion).toBe(true);
    expect(meshOptionsFrom([], { MESH_DYNAMODB_PER_REGION: '0' }).dynamodbPerRegion).toBeUndefined();
    expect(() => meshOptionsFrom(['--dynamodb-per-region', '--dynamodb', 'http://127.0.0.1:8000'], {})).toThrow(/cannot go with --dynamodb/);
  });
});

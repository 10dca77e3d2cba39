import { createAPI, ResponseError, Writer, type Reader } from '@platformatic/kafka';

/*
  @platformatic/kafka has no ElectLeaders; its createAPI builds one from the wire grammar
  (clients/admin/src/main/resources/common/message/ElectLeadersRequest.json, v2 = flexible).

  ElectLeaders Request (Version: 2) => election_type [topic_partitions] timeout_ms TAG_BUFFER
    election_type => INT8                      0 = PREFERRED, 1 = UNCLEAN
    topic_partitions => topic [partitions] TAG_BUFFER   (null = every partition)
      topic => COMPACT_STRING
      partitions => INT32
    timeout_ms => INT32
*/
export interface ElectLeadersRequestTopic {
  topic: string;
  partitions: number[];
}

export function createRequest(electionType: 0 | 1, topicPartitions: ElectLeadersRequestTopic[] | null, timeoutMs: number): Writer {
  return Writer.create()
    .appendInt8(electionType)
    .appendArray(topicPartitions, (w, t) => {
      w.appendString(t.topic).appendArray(t.partitions, (w, p) => w.appendInt32(p), true, false);
    })
    .appendInt32(timeoutMs)
    .appendTaggedFields();
}

/*
  ElectLeaders Response (Version: 2) => throttle_time_ms error_code [replica_election_results] TAG_BUFFER
    throttle_time_ms => INT32
    error_code => INT16
    replica_election_results => topic [partition_result] TAG_BUFFER
      topic => COMPACT_STRING
      partition_result => partition_id error_code error_message TAG_BUFFER
        partition_id => INT32
        error_code => INT16
        error_message => COMPACT_NULLABLE_STRING
*/
export interface ElectLeadersPartitionResult {
  partitionId: number;
  errorCode: number;
  errorMessage: string | null;
}

export interface ElectLeadersResponse {
  throttleTimeMs: number;
  errorCode: number;
  results: { topic: string; partitions: ElectLeadersPartitionResult[] }[];
}

export function parseResponse(_correlationId: number, apiKey: number, apiVersion: number, reader: Reader): ElectLeadersResponse {
  const throttleTimeMs = reader.readInt32();
  const errorCode = reader.readInt16();
  const results = reader.readArray((r) => ({
    topic: r.readString(),
    partitions: r.readArray((r) => ({
      partitionId: r.readInt32(),
      errorCode: r.readInt16(),
      errorMessage: r.readNullableString(),
    })),
  }));
  reader.readTaggedFields();
  const response = { throttleTimeMs, errorCode, results };
  // Per-partition errors (for example ELECTION_NOT_NEEDED) are results, not failures; only a
  // top-level error fails the call.
  if (errorCode !== 0) throw new ResponseError(apiKey, apiVersion, { '': [errorCode, null] }, response);
  return response;
}

export const api = createAPI<[electionType: 0 | 1, topicPartitions: ElectLeadersRequestTopic[] | null, timeoutMs: number], ElectLeadersResponse>(
  43,
  2,
  createRequest,
  parseResponse,
);

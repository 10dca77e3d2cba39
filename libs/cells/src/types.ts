/** A broker of a physical cluster as the cells library sees it: its `node.id` and its rack (= availability zone). */
export interface BrokerInfo {
  id: number;
  rack: string;
}

/** A cell: a subset of a physical cluster's brokers that spans every rack. */
export interface CellSpec {
  id: string;
  brokerIds: number[];
  /** At most one cell per physical cluster; it hosts only tenants an operator moved there. */
  quarantine?: boolean;
}

/** A cell's capacity and what is already promised from it, in CKUs. */
export interface CellCapacity {
  id: string;
  capacityCkus: number;
  committedCkus: number;
  quarantine?: boolean;
}

/** What a broker already hosts, counted over every partition in its cell. */
export interface BrokerLoad {
  brokerId: number;
  replicas: number;
  leaders: number;
}

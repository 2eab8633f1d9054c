package handler

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
)

func (h *Handler) fetch(r *kmsg.FetchRequest) kmsg.Response {
	resp := r.ResponseKind().(*kmsg.FetchResponse)
	budget := int(r.MaxBytes)
	if r.Version < 3 || budget <= 0 {
		budget = 1 << 30
	}
	for _, t := range r.Topics {
		rt := kmsg.FetchResponseTopic{Topic: t.Topic}
		tp, terr := h.store.Topic(t.Topic)
		for _, p := range t.Partitions {
			rp := kmsg.NewFetchResponseTopicPartition()
			rp.Partition = p.Partition
			if terr != nil {
				rp.ErrorCode = errUnknownTopicOrPartition
				rt.Partitions = append(rt.Partitions, rp)
				continue
			}
			limit := min(int(p.PartitionMaxBytes), budget)
			recs, hw, err := tp.Fetch(int(p.Partition), p.FetchOffset, limit)
			rp.HighWatermark, rp.LastStableOffset = hw, hw
			switch {
			case errors.Is(err, log.ErrOffsetOutOfRange):
				rp.ErrorCode = errOffsetOutOfRange
			case err != nil:
				rp.ErrorCode = errUnknownTopicOrPartition
			case len(recs) > 0:
				for i := range recs {
					budget -= len(recs[i].Key) + len(recs[i].Value)
				}
				rp.RecordBatches, h.recs = AppendBatch(nil, recs[0].Offset, recs, h.recs)
			}
			rt.Partitions = append(rt.Partitions, rp)
		}
		resp.Topics = append(resp.Topics, rt)
	}
	return resp
}

package handler

import (
	"errors"

	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
	"github.com/benchgate/benchgate/benchmarks/storage/topic"
)

func (h *Handler) produce(r *kmsg.ProduceRequest) kmsg.Response {
	resp := r.ResponseKind().(*kmsg.ProduceResponse)
	var recs []log.Record
	for _, t := range r.Topics {
		rt := kmsg.ProduceResponseTopic{Topic: t.Topic}
		tp, terr := h.store.Topic(t.Topic)
		for _, p := range t.Partitions {
			rp := kmsg.NewProduceResponseTopicPartition()
			rp.Partition = p.Partition
			var err error
			recs, err = DecodeBatches(p.Records, recs[:0])
			switch {
			case terr != nil:
				rp.ErrorCode = errUnknownTopicOrPartition
			case errors.Is(err, errCompressed):
				rp.ErrorCode = errUnsupportedCompression
			case err != nil:
				rp.ErrorCode = errCorruptMessage
			default:
				off, err := tp.ProduceTo(int(p.Partition), recs)
				switch {
				case errors.Is(err, topic.ErrUnknownPartition):
					rp.ErrorCode = errUnknownTopicOrPartition
				case err != nil:
					rp.ErrorCode = errCorruptMessage
				default:
					rp.BaseOffset = off
				}
			}
			rt.Partitions = append(rt.Partitions, rp)
		}
		resp.Topics = append(resp.Topics, rt)
	}
	return resp
}

// Package grpcapi is a gRPC service over storage/topic: Produce (unary)
// and Fetch (server stream). Its messages are plain Go structs with a
// compact binary codec registered with gRPC, so the service needs no
// generated code; the service descriptor is written out by hand.
package grpcapi

import (
	"context"
	"errors"
	"io"
	"net"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"

	"github.com/benchgate/benchgate/benchmarks/storage/log"
	"github.com/benchgate/benchgate/benchmarks/storage/topic"
)

// The full method names.
const (
	serviceName   = "benchgate.stream.v1.Stream"
	produceMethod = "/" + serviceName + "/Produce"
	fetchMethod   = "/" + serviceName + "/Fetch"
)

// StreamServer is the Stream service.
type StreamServer interface {
	Produce(context.Context, *ProduceRequest) (*ProduceResponse, error)
	Fetch(*FetchRequest, grpc.ServerStream) error
}

var _ StreamServer = (*Server)(nil)

// Server implements the Stream service.
type Server struct {
	store *topic.Store
}

// NewServer returns a server over store.
func NewServer(store *topic.Store) *Server { return &Server{store: store} }

// Produce appends one record.
func (s *Server) Produce(ctx context.Context, req *ProduceRequest) (*ProduceResponse, error) {
	tp, err := s.store.Topic(req.Topic)
	if err != nil {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	if req.Partition < 0 {
		p, off, err := tp.Produce(req.Key, req.Value, req.Timestamp)
		if err != nil {
			return nil, status.Error(codes.Internal, err.Error())
		}
		return &ProduceResponse{Partition: int32(p), Offset: off}, nil
	}
	off, err := tp.ProduceTo(int(req.Partition), []log.Record{{Key: req.Key, Value: req.Value, Timestamp: req.Timestamp}})
	if errors.Is(err, topic.ErrUnknownPartition) {
		return nil, status.Error(codes.NotFound, err.Error())
	}
	if err != nil {
		return nil, status.Error(codes.Internal, err.Error())
	}
	return &ProduceResponse{Partition: req.Partition, Offset: off}, nil
}

// Fetch streams a partition from req.Offset to its high watermark.
func (s *Server) Fetch(req *FetchRequest, stream grpc.ServerStream) error {
	tp, err := s.store.Topic(req.Topic)
	if err != nil {
		return status.Error(codes.NotFound, err.Error())
	}
	hw, err := tp.HighWatermark(int(req.Partition))
	if err != nil {
		return status.Error(codes.NotFound, err.Error())
	}
	maxBytes := int(req.MaxBytes)
	if maxBytes <= 0 {
		maxBytes = 1 << 20
	}
	var batch FetchBatch
	for off := req.Offset; off < hw; {
		recs, _, err := tp.Fetch(int(req.Partition), off, maxBytes)
		if errors.Is(err, log.ErrOffsetOutOfRange) {
			return status.Error(codes.OutOfRange, err.Error())
		}
		if err != nil {
			return status.Error(codes.Internal, err.Error())
		}
		batch.HighWatermark = hw
		batch.Records = batch.Records[:0]
		for _, r := range recs {
			if r.Offset >= hw {
				break
			}
			batch.Records = append(batch.Records, Record{Offset: r.Offset, Timestamp: r.Timestamp, Key: r.Key, Value: r.Value})
		}
		if err := stream.SendMsg(&batch); err != nil {
			return err
		}
		off = batch.Records[len(batch.Records)-1].Offset + 1
	}
	return nil
}

var serviceDesc = grpc.ServiceDesc{
	ServiceName: serviceName,
	HandlerType: (*StreamServer)(nil),
	Methods: []grpc.MethodDesc{{
		MethodName: "Produce",
		Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
			req := new(ProduceRequest)
			if err := dec(req); err != nil {
				return nil, err
			}
			if icpt == nil {
				return srv.(StreamServer).Produce(ctx, req)
			}
			info := &grpc.UnaryServerInfo{Server: srv, FullMethod: produceMethod}
			return icpt(ctx, req, info, func(ctx context.Context, req any) (any, error) {
				return srv.(StreamServer).Produce(ctx, req.(*ProduceRequest))
			})
		},
	}},
	Streams: []grpc.StreamDesc{{
		StreamName:    "Fetch",
		ServerStreams: true,
		Handler: func(srv any, stream grpc.ServerStream) error {
			req := new(FetchRequest)
			if err := stream.RecvMsg(req); err != nil {
				return err
			}
			return srv.(StreamServer).Fetch(req, stream)
		},
	}},
}

// Register registers s with a gRPC server.
func Register(g *grpc.Server, s StreamServer) { g.RegisterService(&serviceDesc, s) }

// A Client calls the Stream service.
type Client struct{ cc *grpc.ClientConn }

// NewClient returns a client over cc.
func NewClient(cc *grpc.ClientConn) *Client { return &Client{cc: cc} }

// Produce calls Produce.
func (c *Client) Produce(ctx context.Context, req *ProduceRequest) (*ProduceResponse, error) {
	resp := new(ProduceResponse)
	if err := c.cc.Invoke(ctx, produceMethod, req, resp, grpc.CallContentSubtype(CodecName)); err != nil {
		return nil, err
	}
	return resp, nil
}

// Fetch calls Fetch and passes each batch to fn until the stream ends. The
// batch is reused between calls.
func (c *Client) Fetch(ctx context.Context, req *FetchRequest, fn func(*FetchBatch) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stream, err := c.cc.NewStream(ctx, &serviceDesc.Streams[0], fetchMethod, grpc.CallContentSubtype(CodecName))
	if err != nil {
		return err
	}
	if err := stream.SendMsg(req); err != nil {
		return err
	}
	if err := stream.CloseSend(); err != nil {
		return err
	}
	var batch FetchBatch
	for {
		err := stream.RecvMsg(&batch)
		if errors.Is(err, errEOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := fn(&batch); err != nil {
			return err
		}
	}
}

// An InMemory is a server and a client connected over an in-memory
// listener (bufconn): real gRPC, HTTP/2 and codec, no sockets.
type InMemory struct {
	Client *Client
	conn   *grpc.ClientConn
	server *grpc.Server
	lis    *bufconn.Listener
}

// ServeInMemory starts a server over store and connects a client to it.
func ServeInMemory(store *topic.Store) (*InMemory, error) {
	lis := bufconn.Listen(1 << 20)
	g := grpc.NewServer()
	Register(g, NewServer(store))
	go g.Serve(lis)
	cc, err := grpc.NewClient("passthrough:///bufconn",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) { return lis.DialContext(ctx) }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		g.Stop()
		return nil, err
	}
	return &InMemory{Client: NewClient(cc), conn: cc, server: g, lis: lis}, nil
}

// Close stops the client and the server.
func (m *InMemory) Close() error {
	err := m.conn.Close()
	m.server.Stop()
	return err
}

// errEOF is what RecvMsg returns at the clean end of a stream.
var errEOF = io.EOF

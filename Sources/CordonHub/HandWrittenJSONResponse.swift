import Hummingbird

/// An answer whose JSON is written by hand (``JSONText``) rather than through
/// `JSONEncoder`: for the hub's hottest and largest answers, where the generic encoder was
/// a large share of the request's time. `json()` must write the document the encoder
/// would, keys in the same (sorted) order.
protocol HandWrittenJSONResponse: ResponseEncodable {
    func json() -> [UInt8]
}

extension HandWrittenJSONResponse {
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json; charset=utf-8"],
                 body: .init(byteBuffer: ByteBuffer(bytes: json())))
    }
}

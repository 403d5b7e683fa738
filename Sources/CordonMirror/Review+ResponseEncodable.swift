import CordonServices
import Hummingbird

// The review desk's answers, as the mirror's routes send them.
extension UploadOut: ResponseEncodable {}
extension CaseOut: ResponseEncodable {}
extension CasePage: ResponseEncodable {}
extension VerdictPage: ResponseEncodable {}

import Foundation
import SweepResults
import TidyCSV

/// Turns the many shapes a file-system error takes in Foundation into the one line a
/// user needs: the system's own words (`No space left on device`, `Permission denied`,
/// `File too large`, `Not a directory`).
enum OutputErrors {
  static func reason(_ error: Error) -> String {
    if let posix = error as? POSIXError { return String(cString: strerror(posix.code.rawValue)) }
    if let cocoa = error as? CocoaError {
      if let underlying = cocoa.underlying as? POSIXError { return String(cString: strerror(underlying.code.rawValue)) }
      if let underlying = cocoa.underlying { return reason(underlying) }
    }
    let ns = error as NSError
    if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
    if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? Error { return reason(underlying) }
    if let results = error as? ResultsError, case .cannotWrite(_, let why) = results { return why }
    if let csv = error as? CSVError { return csv.description }
    return ns.localizedDescription
  }
}

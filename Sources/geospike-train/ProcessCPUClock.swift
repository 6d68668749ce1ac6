import Foundation

/// CPU seconds this process has used (user + system), for the run summary.
///
/// CPU rather than wall time: on a shared machine the wall clock also counts other
/// people's work, and the benchmark compares each phase with a per-core budget.
enum ProcessCPUClock {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

/// Which programs talk to the internet on each kind of host, and how often.
enum ApplicationCatalog {
    typealias App = NetworkApplication

    /// Programs with their share of a host's external connections.
    static func applications(for kind: SyntheticHost.Kind) -> [(app: App, weight: Double)] {
        switch kind {
        case .windowsWorkstation: return windows
        case .macLaptop: return mac
        case .linuxServer: return linux
        }
    }

    private static let windows: [(app: App, weight: Double)] = [
        (
            App(
                processName: "chrome.exe", executable: #"C:\Program Files\Google\Chrome\Application\chrome.exe"#,
                endpoints: App.web(httpShare: 0.05), sentLogMean: 7.4, receivedLogMean: 10.2, logSD: 1.4), 30
        ),
        (
            App(
                processName: "msedge.exe", executable: #"C:\Program Files (x86)\Microsoft\Edge\Application\msedge.exe"#,
                endpoints: App.web(httpShare: 0.04), sentLogMean: 7.3, receivedLogMean: 10.0, logSD: 1.4), 10
        ),
        (
            App(
                processName: "ms-teams.exe", executable: #"C:\Program Files\WindowsApps\MSTeams\ms-teams.exe"#,
                endpoints: [App.https, .init(port: 3478, transport: .udp, service: nil, weight: 0.25)],
                sentLogMean: 9.0, receivedLogMean: 10.5, logSD: 1.6), 12
        ),
        (
            App(
                processName: "OUTLOOK.EXE", executable: #"C:\Program Files\Microsoft Office\root\Office16\OUTLOOK.EXE"#,
                endpoints: [App.https], sentLogMean: 8.0, receivedLogMean: 9.5, logSD: 1.3), 10
        ),
        (
            App(
                processName: "svchost.exe", executable: #"C:\Windows\System32\svchost.exe"#,
                endpoints: [
                    App.https, .init(port: 80, transport: .tcp, service: "http", weight: 0.3),
                    .init(port: 123, transport: .udp, service: "ntp", weight: 0.05),
                ],
                sentLogMean: 6.5, receivedLogMean: 8.5, logSD: 1.8), 10
        ),
        (
            App(
                processName: "OneDrive.exe", executable: #"C:\Program Files\Microsoft OneDrive\OneDrive.exe"#,
                endpoints: [App.https], sentLogMean: 9.5, receivedLogMean: 8.5, logSD: 2.0), 7
        ),
        (
            App(
                processName: "firefox.exe", executable: #"C:\Program Files\Mozilla Firefox\firefox.exe"#,
                endpoints: App.web(httpShare: 0.04), sentLogMean: 7.4, receivedLogMean: 10.1, logSD: 1.4), 4
        ),
        (
            App(
                processName: "Zoom.exe", executable: #"C:\Program Files\Zoom\bin\Zoom.exe"#,
                endpoints: [App.https, .init(port: 8801, transport: .udp, service: nil, weight: 0.4)],
                sentLogMean: 10.0, receivedLogMean: 10.5, logSD: 1.5), 3
        ),
        (
            App(
                processName: "Code.exe",
                executable: #"C:\Users\Public\AppData\Local\Programs\Microsoft VS Code\Code.exe"#,
                endpoints: [App.https], sentLogMean: 7.0, receivedLogMean: 9.0, logSD: 1.5), 3
        ),
        (
            App(
                processName: "powershell.exe",
                executable: #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#,
                endpoints: [App.https], sentLogMean: 7.0, receivedLogMean: 9.0, logSD: 1.5), 0.5
        ),
    ]

    private static let mac: [(app: App, weight: Double)] = [
        (
            App(
                processName: "Google Chrome Helper",
                executable:
                    "/Applications/Google Chrome.app/Contents/Frameworks/Google Chrome Framework.framework/Helpers/Google Chrome Helper.app/Contents/MacOS/Google Chrome Helper",
                endpoints: App.web(httpShare: 0.04), sentLogMean: 7.4, receivedLogMean: 10.2, logSD: 1.4), 30
        ),
        (
            App(
                processName: "com.apple.WebKit.Networking",
                executable:
                    "/System/Library/Frameworks/WebKit.framework/Versions/A/XPCServices/com.apple.WebKit.Networking.xpc/Contents/MacOS/com.apple.WebKit.Networking",
                endpoints: App.web(httpShare: 0.03), sentLogMean: 7.2, receivedLogMean: 10.0, logSD: 1.4), 8
        ),
        (
            App(
                processName: "MSTeams", executable: "/Applications/Microsoft Teams.app/Contents/MacOS/MSTeams",
                endpoints: [App.https, .init(port: 3478, transport: .udp, service: nil, weight: 0.25)],
                sentLogMean: 9.0, receivedLogMean: 10.5, logSD: 1.6), 10
        ),
        (
            App(
                processName: "Microsoft Outlook",
                executable: "/Applications/Microsoft Outlook.app/Contents/MacOS/Microsoft Outlook",
                endpoints: [App.https], sentLogMean: 8.0, receivedLogMean: 9.5, logSD: 1.3), 8
        ),
        (
            App(
                processName: "Slack Helper",
                executable: "/Applications/Slack.app/Contents/Frameworks/Slack Helper.app/Contents/MacOS/Slack Helper",
                endpoints: [App.https], sentLogMean: 7.0, receivedLogMean: 9.0, logSD: 1.3), 6
        ),
        (
            App(
                processName: "nsurlsessiond", executable: "/usr/libexec/nsurlsessiond",
                endpoints: [App.https], sentLogMean: 6.8, receivedLogMean: 9.5, logSD: 2.0), 6
        ),
        (
            App(
                processName: "apsd", executable: "/System/Library/PrivateFrameworks/ApplePushService.framework/apsd",
                endpoints: [.init(port: 5223, transport: .tcp, service: "ssl", weight: 1), App.https],
                sentLogMean: 6.0, receivedLogMean: 6.5, logSD: 0.8), 3
        ),
        (
            App(
                processName: "ssh", executable: "/usr/bin/ssh",
                endpoints: [.init(port: 22, transport: .tcp, service: "ssh", weight: 1)],
                sentLogMean: 8.0, receivedLogMean: 9.0, logSD: 1.8), 1
        ),
        (
            App(
                processName: "curl", executable: "/usr/bin/curl",
                endpoints: App.web(httpShare: 0.1), sentLogMean: 6.5, receivedLogMean: 9.0, logSD: 1.8), 1
        ),
    ]

    private static let linux: [(app: App, weight: Double)] = [
        (
            App(
                processName: "curl", executable: "/usr/bin/curl",
                endpoints: App.web(httpShare: 0.15), sentLogMean: 6.5, receivedLogMean: 9.0, logSD: 1.8), 10
        ),
        (
            App(
                processName: "python3", executable: "/usr/bin/python3.11",
                endpoints: App.web(httpShare: 0.05), sentLogMean: 7.0, receivedLogMean: 9.5, logSD: 1.8), 10
        ),
        (
            App(
                processName: "apt-get", executable: "/usr/bin/apt-get",
                endpoints: [.init(port: 80, transport: .tcp, service: "http", weight: 0.7), App.https],
                sentLogMean: 6.0, receivedLogMean: 12.0, logSD: 1.5), 3
        ),
        (
            App(
                processName: "git", executable: "/usr/bin/git",
                endpoints: [App.https, .init(port: 22, transport: .tcp, service: "ssh", weight: 0.3)],
                sentLogMean: 7.5, receivedLogMean: 11.0, logSD: 1.8), 5
        ),
        (
            App(
                processName: "java", executable: "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                endpoints: [App.https, .init(port: 8443, transport: .tcp, service: "ssl", weight: 0.1)],
                sentLogMean: 7.5, receivedLogMean: 9.0, logSD: 1.5), 6
        ),
        (
            App(
                processName: "containerd", executable: "/usr/bin/containerd",
                endpoints: [App.https], sentLogMean: 7.0, receivedLogMean: 13.0, logSD: 2.0), 4
        ),
        (
            App(
                processName: "postfix/smtp", executable: "/usr/lib/postfix/sbin/smtp",
                endpoints: [.init(port: 25, transport: .tcp, service: "smtp", weight: 1)],
                sentLogMean: 9.0, receivedLogMean: 6.5, logSD: 1.5), 2
        ),
        (
            App(
                processName: "chronyd", executable: "/usr/sbin/chronyd",
                endpoints: [.init(port: 123, transport: .udp, service: "ntp", weight: 1)],
                sentLogMean: 4.4, receivedLogMean: 4.4, logSD: 0.05), 2
        ),
        (
            App(
                processName: "systemd-resolved", executable: "/usr/lib/systemd/systemd-resolved",
                endpoints: [.init(port: 53, transport: .udp, service: "dns", weight: 1)],
                sentLogMean: 4.2, receivedLogMean: 5.0, logSD: 0.4), 3
        ),
        (
            App(
                processName: "ssh", executable: "/usr/bin/ssh",
                endpoints: [.init(port: 22, transport: .tcp, service: "ssh", weight: 1)],
                sentLogMean: 8.0, receivedLogMean: 9.0, logSD: 1.8), 2
        ),
    ]

    /// The program that runs the nightly backups and uploads.
    static let backup = App(
        processName: "restic", executable: "/usr/bin/restic", endpoints: [App.https],
        sentLogMean: 16.0, receivedLogMean: 8.0, logSD: 1.0)

    /// Elastic's own shippers: their traffic is in ECS logs, and readers must drop it.
    static let agents: [App] = [
        App(
            processName: "elastic-agent", executable: "/opt/Elastic/Agent/elastic-agent",
            endpoints: [App.https], sentLogMean: 9.0, receivedLogMean: 7.0, logSD: 1.0),
        App(
            processName: "filebeat", executable: "/opt/Elastic/Agent/data/elastic-agent-8.15.3/components/filebeat",
            endpoints: [App.https, .init(port: 9243, transport: .tcp, service: "ssl", weight: 0.3)],
            sentLogMean: 10.0, receivedLogMean: 7.0, logSD: 1.0),
        App(
            processName: "metricbeat.exe",
            executable: #"C:\Program Files\Elastic\Agent\data\elastic-agent-8.15.3\components\metricbeat.exe"#,
            endpoints: [App.https], sentLogMean: 9.5, receivedLogMean: 7.0, logSD: 1.0),
        App(
            processName: "packetbeat", executable: "/opt/Elastic/Agent/data/elastic-agent-8.15.3/components/packetbeat",
            endpoints: [App.https], sentLogMean: 10.5, receivedLogMean: 7.0, logSD: 1.0),
    ]

    /// Programs the attacks run under, by host kind.
    static func attackTool(for kind: SyntheticHost.Kind, _ rng: inout SeededGenerator) -> App {
        let names: [(String, String)]
        switch kind {
        case .windowsWorkstation:
            names = [
                ("rundll32.exe", #"C:\Windows\System32\rundll32.exe"#),
                ("powershell.exe", #"C:\Windows\System32\WindowsPowerShell\v1.0\powershell.exe"#),
                ("rclone.exe", #"C:\Users\Public\rclone.exe"#),
            ]
        case .macLaptop:
            names = [("osascript", "/usr/bin/osascript"), ("curl", "/usr/bin/curl")]
        case .linuxServer:
            names = [("python3", "/usr/bin/python3.11"), ("curl", "/usr/bin/curl"), ("kworker", "/tmp/.x/kworker")]
        }
        let pick = names[rng.index(below: names.count)]
        return App(
            processName: pick.0, executable: pick.1, endpoints: [App.https],
            sentLogMean: 8.0, receivedLogMean: 7.0, logSD: 1.0)
    }
}

package dev.tinygram.cli;

import java.io.PrintStream;
import java.util.Arrays;

/** {@code java -jar tinygram-agent.jar COMMAND ...}: the agent jar's command line, once {@link Main} let it run. */
public final class Commands {
    static final String USAGE = String.join("\n",
            "usage: java -jar tinygram-agent.jar COMMAND [ARGS]",
            "commands:",
            "  predict [--profile auto|linux|rfc896|windows] [--mss N] [--rtt MS] [--min-stall MS] [--fresh] [--nodelay] [--json] EVENTS...",
            "      what-if: would this sequence of writes and reads stall on Nagle and delayed ACK?",
            "      EVENTS: wN (write N bytes), r (wait for and read the answer), +N[ms|us] (time passes)",
            "      example: predict w100 w100 r",
            "  attach PID [key=value,...]   load tinygram into a running JVM, or change its options if it is there",
            "  detach PID                   send what is buffered, remove the hooks, leave connections working",
            "  list                         the JVMs you can attach to",
            "  status PID                   mode, connections and findings of an attached tinygram",
            "  help      this text",
            "To observe or fix a running app, start it with -javaagent:tinygram-agent.jar (see the README).");

    private Commands() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command; returns the exit status (0 fine, 1 failure, 2 bad usage). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        try {
            switch (args[0]) {
                case "predict": return new PredictCommand(rest).run(out);
                case "attach": return AttachCommands.attach(rest, out);
                case "detach": return AttachCommands.detach(rest, out);
                case "list": return AttachCommands.list(rest, out);
                case "status": return AttachCommands.status(rest, out);
                case "help": case "--help": case "-h":
                    out.println(USAGE);
                    return 0;
                default: throw new UsageException("unknown command '" + args[0] + "'");
            }
        } catch (UsageException e) {
            err.println("tinygram: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (AttachCommands.AttachException e) {
            err.println("tinygram: " + e.getMessage());
            return 1;
        }
    }
}

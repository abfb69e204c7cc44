package dev.holdfast.local;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * How every command under {@code localstack/} ({@code run}, {@code bench}, {@code drill}, {@code capacity},
 * {@code reconcile}) reads its command line: picocli; {@code --help} prints the usage to stdout and exits 0;
 * a bad argument prints ONE line to stderr (what is wrong, and where the usage is) and exits
 * {@value #USAGE_ERROR} — never a stack trace.
 */
public final class Cli {
    /** What {@code --version} prints. */
    public static final String VERSION = "Holdfast local tools 0.1.0-SNAPSHOT";

    /** The exit code of a bad argument. */
    public static final int USAGE_ERROR = 2;

    private Cli() {}

    /**
     * {@code command}'s command line writing to {@code out} and {@code err} ({@code command} may be a
     * {@link CommandLine} already holding its subcommands: the settings reach them too).
     */
    public static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine cl = command instanceof CommandLine c ? c : new CommandLine(command);
        cl.setOut(new PrintWriter(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), true));
        cl.setErr(new PrintWriter(new java.io.OutputStreamWriter(err, StandardCharsets.UTF_8), true));
        cl.setParameterExceptionHandler((e, args) -> {
            e.getCommandLine().getErr().println(oneLine(e));
            return USAGE_ERROR;
        });
        return cl;
    }

    /** Parses {@code args} and runs {@code command}; the exit code. */
    public static int execute(Object command, String[] args, PrintStream out, PrintStream err) {
        return commandLine(command, out, err).execute(args);
    }

    /** The line a bad argument prints: {@code localstack/bench hot-market: <problem> (see localstack/bench hot-market --help)}. */
    public static String oneLine(ParameterException e) {
        String name = e.getCommandLine().getCommandSpec().qualifiedName();
        String problem = e.getMessage() == null ? "bad argument" : e.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        return name + ": " + problem + " (see " + name + " --help)";
    }

    /** Only parses {@code args} into {@code command} (for tests and callers in code): a bad argument is an IllegalArgumentException. */
    public static <T> T parse(T command, String[] args) {
        try {
            new CommandLine(command).parseArgs(args);
        } catch (ParameterException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return command;
    }

    /** A bad value found after parsing (out of range, inconsistent): reported like any bad argument. */
    public static ParameterException bad(CommandLine.Model.CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}

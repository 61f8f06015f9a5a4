package org.storelog.cli;

import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.IGetter;
import picocli.CommandLine.Model.ISetter;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * picocli command models built in code, for the commands whose start-up matters (the root,
 * {@code query}, {@code build}, {@code rebuild}). Reading picocli's annotations makes the JDK
 * generate a dynamic proxy class per annotation type at every start (the AOT cache cannot keep
 * them): ~0.1 s before a command runs. A model built here reads no annotation; each command still
 * has exactly one definition (its {@code spec()}), and its help text is what the annotations gave.
 */
final class CommandSpecs {
    private CommandSpecs() {}

    /**
     * A command named {@code name} run by {@code userObject} ({@code Runnable} or {@code Callable}),
     * with the options {@code mixinStandardHelpOptions = true} adds.
     */
    static CommandSpec command(Object userObject, String name, String... description) {
        CommandSpec s = CommandSpec.wrapWithoutInspection(userObject);
        s.name(name);
        s.usageMessage().description(description);
        s.addOption(OptionSpec.builder("-h", "--help").usageHelp(true).type(boolean.class)
                .description("Show this help message and exit.").build());
        s.addOption(OptionSpec.builder("-V", "--version").versionHelp(true).type(boolean.class)
                .description("Print version information and exit.").build());
        return s;
    }

    /** Binds an option or parameter to a field of the command: picocli reads and writes it through these. */
    static <T> Binding<T> bind(Supplier<T> get, Consumer<T> set) { return new Binding<>(get, set); }

    /** Getter and setter of one field. */
    static final class Binding<T> implements IGetter, ISetter {
        private final Supplier<T> get;
        private final Consumer<T> set;

        Binding(Supplier<T> get, Consumer<T> set) {
            this.get = get;
            this.set = set;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V get() { return (V) get.get(); }

        @Override
        @SuppressWarnings("unchecked")
        public <V> V set(V value) {
            V old = (V) get.get();
            set.accept((T) value);
            return old;
        }
    }

    /** An option bound to a field. */
    static <T> OptionSpec.Builder option(Binding<T> field, Class<?> type, String... names) {
        return OptionSpec.builder(names).type(type).getter(field).setter(field).initialValue(field.get.get());
    }

    /** A positional parameter bound to a field. */
    static <T> PositionalParamSpec.Builder positional(Binding<T> field, Class<?> type) {
        return PositionalParamSpec.builder().type(type).getter(field).setter(field).initialValue(field.get.get());
    }
}

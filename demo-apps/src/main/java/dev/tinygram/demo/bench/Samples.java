package dev.tinygram.demo.bench;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Repeated measurements of one figure, in the order they were taken. */
record Samples(double[] values) {

    static Samples of(List<Double> values) {
        return new Samples(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    static <T> Samples of(List<T> runs, ToDoubleFunction<T> figure) {
        return new Samples(runs.stream().mapToDouble(figure).toArray());
    }

    int size() {
        return values.length;
    }

    boolean isEmpty() {
        return values.length == 0;
    }

    double get(int i) {
        return values[i];
    }

    /** Median of the non-NaN values (a run without the figure prints none); NaN when there are none. */
    double median() {
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    double min() {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    double max() {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }
}

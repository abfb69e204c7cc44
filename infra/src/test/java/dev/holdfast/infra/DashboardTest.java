package dev.holdfast.infra;

import dev.holdfast.resources.Naming;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stage's dashboard charts the business metrics and the rollback signals; read from the shared dev synth. */
class DashboardTest {

    @Test
    void oneDashboardChartsEveryBusinessMetricAndEveryRollbackSignal() {
        Template template = DevStage.api();
        template.resourceCountIs("AWS::CloudWatch::Dashboard", 1);
        Map<String, Object> props = new TemplateLookup(template).properties("AWS::CloudWatch::Dashboard", Map.of());
        assertEquals(Naming.prefixFor(DevStage.STAGE) + "dashboard", props.get("DashboardName"));
        String body = String.valueOf(props.get("DashboardBody"));
        for (String metric : DashboardConstruct.BUSINESS_METRICS) {
            assertTrue(body.contains("MetricName=\\\"" + metric + "\\\""), metric + " is charted");
        }
        assertTrue(body.contains("Namespace=\\\"" + DashboardConstruct.NAMESPACE + "\\\""), "namespace Holdfast");
        for (String signal : List.of("\"5xx\"", "\"Latency\"", "\"IteratorAge\"", "\"ApproximateNumberOfMessagesVisible\"",
                "\"ApproximateAgeOfOldestMessage\"", "\"Errors\"", "\"Throttles\"", "Rollback alarms")) {
            assertTrue(body.contains(signal), signal + " is on the dashboard");
        }
    }
}

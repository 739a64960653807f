import { registry } from "@web/core/registry";
import { hierarchyView } from "@web_hierarchy/hierarchy_view";
import { HierarchyModel } from "@web_hierarchy/hierarchy_model";

/**
 * The org chart of a buying centre. A card dropped on another changes whom
 * the person reports to; the reporting lines are checked by the server, as
 * on the form (the same cycle and account checks, the same message), so the
 * view only refuses a card dropped on itself.
 */
export class KamBuyingRoleHierarchyModel extends HierarchyModel {
    /** The top of the organisation: nobody above, or a manager who left. */
    get defaultDomain() {
        return [
            "|",
            [this.parentFieldName, "=", false],
            [`${this.parentFieldName}.active`, "=", false],
        ];
    }

    validateUpdateParentNode(node, parentNode) {
        if (parentNode.resId === node.resId) {
            return super.validateUpdateParentNode(node, parentNode);
        }
        return true;
    }
}

export const kamBuyingRoleHierarchyView = {
    ...hierarchyView,
    Model: KamBuyingRoleHierarchyModel,
};

registry.category("views").add("kam_buying_role_hierarchy", kamBuyingRoleHierarchyView);
